import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * Validates a provider's webhook payload; a {@link ValidationError} names every bad field by its
 * path in the provider's own payload (`data.payload.from.phone_number is required`).
 */
export function parsePayload<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  throw new ValidationError(
    `Invalid ${what}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
    issues,
  );
}

/** The body parsed as JSON; a `ValidationError` (400) when it is not JSON. */
export function parseJsonBody(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Malformed ${what}: the body is not JSON (${(error as Error).message})`);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict, padded base64 to bytes (runtime-neutral: `atob`); undefined when malformed. */
export function decodeBase64(value: string): Uint8Array | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Bytes to standard base64 (runtime-neutral: `btoa`). */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * A number as Plivo and Vonage send it, E.164 digits without the `+`, made international so a
 * default country never misreads it; anything else is kept for the manager to normalize.
 */
export function international(number: string): string {
  return /^\d{8,15}$/.test(number) ? `+${number}` : number;
}
