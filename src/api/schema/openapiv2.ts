/**
 * `GET /openapi/v2`. kubectl 1.27 and 1.28 fetch it (protobuf only) before anything else when
 * validating and for `explain`, and fail when it is missing; then they check the v3 document for
 * `fieldValidation` and leave validation to the server. An empty Swagger 2.0 document is enough:
 * it is the gnostic `Document` message with only `swagger: "2.0"` (field 1), served as
 * `application/octet-stream`. Schemas live in v3 only.
 */
const document = Uint8Array.from([0x0a, 0x03, ...Buffer.from('2.0', 'latin1')]);

export const openApiV2ContentType = 'application/octet-stream';

/** The protobuf body of `GET /openapi/v2`. */
export function openApiV2Protobuf(): Uint8Array {
  return document;
}
