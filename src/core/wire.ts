import * as z from 'zod';

/** One line naming each failing field, e.g. `runStages.0.status: expected string`. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join('.') || '(root)';
      const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
      return missing ? `missing required field "${path}"` : `${path}: ${i.message}`;
    })
    .join('; ');
}

/** Numbers that may arrive as strings (or null) from loosely typed services. */
export const looseNumber = z.union([z.number(), z.string().transform(Number)]).pipe(z.number()).nullish();

/** An optional string that tolerates null. */
export const optString = z.string().nullish().transform((v) => v ?? undefined);
