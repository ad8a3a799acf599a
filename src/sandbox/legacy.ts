/**
 * The sample workflow ids of the sandbox before each face had its own samples, when one set of
 * seven was shared by all three faces. State written then holds them (and their runs); the
 * sandbox drops them on start, and sandbox connections made then still list them. No imports, so
 * the extension can read this list without loading the sandbox.
 */
export const LEGACY_SAMPLE_IDS: readonly string[] = [
  '5a4d0b00-0001-4000-8000-000000000001',
  '5a4d0b00-0002-4000-8000-000000000002',
  '5a4d0b00-0003-4000-8000-000000000003',
  '5a4d0b00-0004-4000-8000-000000000004',
  '5a4d0b00-0005-4000-8000-000000000005',
  '5a4d0b00-0006-4000-8000-000000000006',
  '5a4d0b00-0007-4000-8000-000000000007',
];
