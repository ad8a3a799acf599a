import { FlowscopeError } from '../core/errors';
import { envNameProblem } from '../core/inputs';
import { safeText } from './render';

/**
 * `--env NAME=VALUE` pairs: environment overrides for the run (Supervity's `envs[NAME]`). Values
 * stay text, as the service takes string → string. Each name once: a repeated secret is more
 * likely a mistake than an intended override.
 */
export function readEnvs(pairs: readonly string[] | undefined): Record<string, string> {
  const envs: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    // Only the name is ever quoted back: the value may be a secret.
    if (!name) throw new FlowscopeError('usage', '--env expects NAME=VALUE, with a name before the "=".');
    const problem = envNameProblem(name, new Set(Object.keys(envs)));
    if (problem) throw new FlowscopeError('usage', `--env: ${safeText(problem)}`);
    envs[name] = pair.slice(eq + 1);
  }
  return envs;
}
