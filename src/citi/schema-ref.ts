/** The catalogue's JSON Schemas refer to named models as `#/definitions/<name>` (`citi#/…` once rebased for ajv). */

/** A schema with its `$ref` followed once; `ref` names the model it came from (for cycle checks). */
export function resolveRef<S extends object>(schema: S, definitions: Record<string, object>): { schema: S; ref?: string } {
  const $ref = (schema as { $ref?: string }).$ref;
  if (!$ref) return { schema };
  const name = $ref.replace(/^(citi)?#\/definitions\//, '');
  return { schema: (definitions[name] ?? {}) as S, ref: name };
}
