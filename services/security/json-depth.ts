// Measures the nesting depth and the key count of a JSON text without parsing it, so a deeply nested body
// is refused before JSON.parse recurses into it, and a body of countless keys before the schema validator
// spends a second listing every one of them as unknown.

export type JsonShapeProblem = 'depth' | 'keys';

export function jsonShapeExceeds(text: string, maxDepth: number, maxKeys: number): JsonShapeProblem | null {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return 'depth';
    } else if (c === 125 || c === 93) depth--;
    // Outside strings a colon only ever follows an object key.
    else if (c === 58 && ++keys > maxKeys) return 'keys';
  }
  return null;
}
