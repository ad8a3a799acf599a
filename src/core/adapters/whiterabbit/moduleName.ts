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

/**
 * Words already worked out, by module. Every stream frame lists each stage in flight with its
 * module, and a run detail lists every stage: a hundred followed runs asked for the same few
 * dozen names tens of thousands of times a second (6% of the client's CPU in the scale bench).
 * Bounded, because module names are server data: past the bound it starts afresh.
 */
const known = new Map<string, string>();
const MAX_KNOWN = 1_000;

/** Anything that is not a module constant is kept as the server sent it (it is data, not ours to rewrite). */
export function moduleInWords(module: string): string {
  let words = known.get(module);
  if (words === undefined) {
    if (known.size >= MAX_KNOWN) known.clear();
    words = toWords(module);
    known.set(module, words);
  }
  return words;
}

function toWords(module: string): string {
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
