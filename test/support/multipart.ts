// A multipart body from [name, value, filename?] parts: strings as fields, Blobs as files.
export const form = (parts: Array<[string, string | Blob, string?]>): FormData => {
  const f = new FormData();
  for (const [name, value, filename] of parts)
    if (typeof value === 'string') f.append(name, value);
    else f.append(name, value, filename);
  return f;
};
