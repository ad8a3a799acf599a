import type { BackendKind } from './model';

/** The steps of Add Connection, in order; which ones a service needs depends on its API. */
export type AddConnectionStep = 'service' | 'name' | 'url' | 'org' | 'workflows' | 'protection' | 'key' | 'secret';

export function addConnectionSteps(kind: BackendKind): AddConnectionStep[] {
  return [
    'service',
    'name',
    'url',
    // Supervity needs the organisation key on every request (x-active-org).
    ...(kind === 'supervity' ? (['org'] as const) : []),
    // Only Powabase can list its workflows; the others are given ids (and names, in the same step).
    ...(kind === 'powabase' ? [] : (['workflows'] as const)),
    'protection',
    'key',
    // White Rabbit signs every request with an Ed25519 secret besides the key.
    ...(kind === 'whiterabbit' ? (['secret'] as const) : []),
  ];
}

/**
 * "(n/N)" for a step, numbered to the end of this service's flow. Before the service is chosen
 * the total is not known yet, and the first step says so rather than promise a wrong count.
 */
export function stepNumber(kind: BackendKind | undefined, step: AddConnectionStep): string {
  if (!kind) return step === 'service' ? '1/…' : '?';
  const steps = addConnectionSteps(kind);
  return `${steps.indexOf(step) + 1}/${steps.length}`;
}
