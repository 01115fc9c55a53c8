/**
 * Limits as data: what is truly portable, the lowest common denominator of every target, each with the
 * doc it comes from. A limit one target imposes lives with that target (e.g. providers/aws/limits.ts) and
 * is reported by its provider's `validate`.
 */

/**
 * One event including its envelope, as JSON bytes.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html (EventBridge 256 KB)
 * @see https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas (Service Bus Standard 256 KB)
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * `maxAttempts` bounds. Pub/Sub dead-lettering needs at least 5; Event Grid allows at most 30.
 * @see https://cloud.google.com/pubsub/docs/handling-failures
 * @see https://learn.microsoft.com/azure/event-grid/delivery-and-retry
 */
export const MIN_ATTEMPTS = 5;
export const MAX_ATTEMPTS = 30;

/**
 * Longest function timeout every cloud honours for event-driven functions (GCP gen2: 540 s).
 * @see https://cloud.google.com/functions/docs/configuring/timeout
 */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 540;

/**
 * Resource names: lower-case kebab, short enough to leave room for stack prefixes and `-dlq`
 * suffixes under the tightest cloud limits (Lambda 64, Service Bus 50, SQS 80).
 */
export const NAME_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
export const MAX_NAME_LENGTH = 40;

/** Portable filter limits (SNS: 5 keys and 150 combinations; Event Grid: 25 values, 512 chars). */
export const FILTER_LIMITS = {
  maxFields: 5,
  maxValueCombinations: 150,
  maxValues: 25,
  maxValueLength: 512,
} as const;

/** Declared extension attribute names (CloudEvents: lower-case alphanumeric; Event Grid filterable). */
export const EXTENSION_NAME_PATTERN = /^[a-z0-9]{1,20}$/;

/** Webhook signature tolerance: a timestamp further than this from now is rejected (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Problems an error message lists word for word; the rest are only counted. A hostile request can hold
 * millions of problems (one per array item), and listing each made a 4 MB request answer with 126 MB.
 */
export const MAX_LISTED_PROBLEMS = 20;
