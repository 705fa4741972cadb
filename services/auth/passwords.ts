// Password and OTP hashing with argon2id at OWASP parameters (m=19456 KiB, t=2, p=1).
import argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashSecret = (secret: string): Promise<string> => argon2.hash(secret, OPTIONS);

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real verification, so unknown accounts cannot be told apart by timing. */
export async function burnVerify(secret: string): Promise<void> {
  dummyHash ??= hashSecret(crypto.randomUUID());
  await verifySecret(await dummyHash, secret);
}
