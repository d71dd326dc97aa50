/**
 * S3's error codes: the object store refuses in S3's vocabulary (the code is the fact a client
 * reads). The HTTP status of each is the S3 API's, chosen in api/s3/errors.ts.
 */
export const s3Codes = [
  'AccessDenied',
  'AuthorizationHeaderMalformed',
  'AuthorizationQueryParametersError',
  'BadDigest',
  'BucketAlreadyOwnedByYou',
  'BucketNotEmpty',
  'EntityTooSmall',
  'InvalidArgument',
  'InvalidBucketName',
  'InvalidPart',
  'InvalidPartOrder',
  'InvalidRange',
  'MalformedXML',
  'MethodNotAllowed',
  'NoSuchBucket',
  'NoSuchKey',
  'NoSuchUpload',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
  'XAmzContentSHA256Mismatch',
] as const;
export type S3Code = (typeof s3Codes)[number];

export class S3Error extends Error {
  readonly code: S3Code;
  readonly resource: string;

  constructor(code: S3Code, message: string, resource = '') {
    super(message);
    this.name = 'S3Error';
    this.code = code;
    this.resource = resource;
  }
}
