import { SimError } from '../../errors.ts';

/** S3's error codes with their HTTP status. */
export const s3Codes = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooSmall: 400,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;
export type S3Code = keyof typeof s3Codes;

export class S3Error extends SimError {
  readonly code: S3Code;
  readonly resource: string;

  constructor(code: S3Code, message: string, resource = '') {
    super(s3Codes[code], message);
    this.name = 'S3Error';
    this.code = code;
    this.resource = resource;
  }
}
