// Minimal declarations for the two untyped helpers memoizee's method API uses.
declare module 'd' {
  /** Builds a property descriptor; memoizee/methods reads its options. */
  function d(value: unknown, options?: Record<string, unknown>): PropertyDescriptor;
  export default d;
}
declare module 'memoizee/methods.js' {
  function memoizeMethods(props: Record<string, PropertyDescriptor>): PropertyDescriptorMap;
  export default memoizeMethods;
}
