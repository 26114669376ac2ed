/** ajv's class, loaded on first use. ajv is CommonJS: the class is the module's default export, or that export's own default once bundled. */
type AjvClass = typeof import('ajv').default;

export async function loadAjv(): Promise<AjvClass> {
  const mod = (await import('ajv')) as unknown as { default: { default?: unknown } };
  return (mod.default.default ?? mod.default) as AjvClass;
}
