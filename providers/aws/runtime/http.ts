/**
 * HTTP requests from an API Gateway HTTP API (payload format 2.0) or a function URL (the same shape):
 * the neutral request of runtime/http.ts (the raw body, base64-decoded when API Gateway encoded it, for
 * signature checks; lower-case headers) and a JSON answer.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpBinding } from '../../../runtime/http';

export const http: HttpBinding<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
  name: 'http',
  detect: (event: unknown): event is APIGatewayProxyEventV2 => {
    const e = event as Partial<APIGatewayProxyEventV2> | null;
    return typeof e === 'object' && e !== null && e.version === '2.0' && typeof e.requestContext?.http?.method === 'string';
  },
  decode: (event) => ({
    method: event.requestContext.http.method,
    path: event.rawPath ?? event.requestContext.http.path,
    headers: Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? ''])),
    body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
    requestId: event.requestContext.requestId,
  }),
  /** A payload-2.0 request, for tests and `herald invoke`. */
  encode: (request) => {
    const method = request.method ?? 'POST';
    return {
      version: '2.0', routeKey: `${method} ${request.path}`, rawPath: request.path, rawQueryString: '',
      headers: { 'content-type': 'application/json', ...request.headers },
      requestContext: {
        accountId: '000000000000', apiId: 'herald', domainName: 'herald.execute-api.us-east-1.amazonaws.com', domainPrefix: 'herald',
        http: { method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'herald' },
        requestId: 'herald-request', routeKey: `${method} ${request.path}`, stage: '$default',
        time: '01/Jan/2026:00:00:00 +0000', timeEpoch: 1767225600000,
      },
      body: request.body, isBase64Encoded: false,
    };
  },
  respond: (answer) => ({
    statusCode: answer.status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer.body),
  }),
};
