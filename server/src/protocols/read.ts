/** Reading client frames with the dialects' own helpers and schemas. */
import * as v from 'valibot';
import { type Frame, isVoxError } from 'voxstate';
import { base64ToBytes, clip, readJsonObject, validate } from 'voxstate/dialects/codec';

/** A JSON client message checked against `schema`, or what is wrong with it. */
export function readJson<S extends v.GenericSchema>(
  dialect: string,
  tagKey: string,
  schema: S,
  frame: Frame,
): v.InferOutput<S> | string {
  const value = readJsonObject(dialect, frame);
  if (isVoxError(value)) return value.message;
  const tag = value[tagKey];
  const message = validate(dialect, typeof tag === 'string' ? clip(tag) : 'message', schema, value);
  return isVoxError(message) ? message.message : message;
}

/** Base64 audio from a client message, or why it is not. */
export function readBase64(dialect: string, where: string, text: string): Uint8Array | string {
  try {
    return base64ToBytes(text);
  } catch (error) {
    return `${dialect}: ${where} is not valid base64: ${(error as Error).message}`;
  }
}

/** A binary audio frame checked against the dialect's schema (it must not be empty). */
export function readBinary(dialect: string, schema: v.GenericSchema, frame: Uint8Array): Uint8Array | string {
  const checked = validate(dialect, 'binary frame', schema, frame);
  return isVoxError(checked) ? checked.message : frame;
}
