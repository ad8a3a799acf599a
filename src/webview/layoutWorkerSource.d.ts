/** The layout worker's bundled code, inlined by the `layout-worker-source` plugin in esbuild.mjs. */
declare module 'layout-worker-source' {
  const source: string;
  export default source;
}
