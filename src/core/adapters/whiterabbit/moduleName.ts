/**
 * A White Rabbit module as words a person reads: `GET_EVM_ACCOUNT_BALANCE` → "Get EVM account
 * balance". Run stages carry only their module (seed 000 lines 53-62, and the stream's
 * `nonTerminalStages`, lines 109-115): no component id or name, so the module is the most
 * readable name the API gives. The raw module stays in the stage's `type`.
 */

/** Abbreviations that stay upper-case (the known module names use API, EVM and UUID). */
const ABBREVIATIONS = new Set(['API', 'EVM', 'UUID', 'URL', 'HTTP', 'JSON', 'ID', 'AI', 'LLM', 'SDK', 'RPC', 'NFT']);

/** A module constant as White Rabbit writes them: upper-case words joined by underscores. */
const MODULE_CONSTANT = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** Anything that is not a module constant is kept as the server sent it (it is data, not ours to rewrite). */
export function moduleInWords(module: string): string {
  if (!MODULE_CONSTANT.test(module)) return module;
  return module
    .split('_')
    .map((word, i) => {
      const upper = word.toUpperCase();
      if (ABBREVIATIONS.has(upper)) return upper;
      const lower = word.toLowerCase();
      return i === 0 ? `${lower.charAt(0).toUpperCase()}${lower.slice(1)}` : lower;
    })
    .join(' ');
}
