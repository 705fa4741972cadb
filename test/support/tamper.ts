// Changes a base64url signature so that it decodes to other bytes. The first character is changed: all six
// of its bits are signature bits, while the last character's low bits can be padding, so a change there may
// leave the decoded bytes as they were (and the "tampered" value valid).
export const tampered = (sig: string): string => `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
