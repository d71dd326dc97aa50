// The object store failing as S3 does under load or in trouble, for injected faults: S3's XML
// error with its status and words. Clients (boto, curl loops) retry these.
import type { S3FaultCode } from '../../../spec/faults.ts';
import { escapeXml } from './xml.ts';

const answers: Record<S3FaultCode, { status: number; message: string }> = {
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  ServiceUnavailable: { status: 503, message: 'Service is unable to handle request.' },
};

export function s3FaultAnswer(code: S3FaultCode, resource: string, requestId: string): Response {
  const { status, message } = answers[code];
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  return new Response(body, { status, headers: { 'content-type': 'application/xml' } });
}
