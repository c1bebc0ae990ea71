import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Notifier, OutgoingEmail } from './notifier.js';

let client: SESv2Client | undefined;

/** Created on first use, once per process; the endpoint may come from `AWS_ENDPOINT_URL_SESV2`. */
export function sesClient(): SESv2Client {
  client ??= new SESv2Client({ maxAttempts: 3 });
  return client;
}

/** Tests swap the client. */
export function setSesClient(replacement: SESv2Client | undefined): void {
  client = replacement;
}

/** SES tag values allow letters, digits, `_` and `-` only. */
const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);

/** Sends through Amazon SES v2 (`SendEmail`, simple content: text and HTML parts, UTF-8). */
export class SesNotifier implements Notifier {
  constructor(private readonly fromAddress: string) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const result = await sesClient().send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
        // Bounces and complaints can then be traced to a tenant and an event type.
        EmailTags: [
          { Name: 'tenant', Value: tagValue(email.tenantId) },
          { Name: 'event', Value: tagValue(email.eventType) },
        ],
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the e-mail without a message id');
    return { messageId: result.MessageId };
  }
}
