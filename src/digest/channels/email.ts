import { createTransport } from "nodemailer";
import { NewswatchError } from "../../errors.js";
import { redactUrl } from "../../log.js";
import { renderHtml } from "../render-html.js";
import { renderText } from "../render-text.js";
import { digestSubject } from "../summary.js";
import { type Channel, channelKey, type OutgoingDelivery } from "./channel.js";

// E-mail over SMTP (smtp://, STARTTLS when offered) or SMTPS (smtps://), user and password from the URL.
// HTML with the plain-text alternative; the Message-ID comes from the delivery id, so a re-sent digest
// carries the same Message-ID and mail clients thread or drop it.

export interface EmailSpec {
  type: "email";
  smtp: string;
  from: string;
  to: string[];
  subject?: string;
  timeoutMs: number;
}

export function createEmailChannel(spec: EmailSpec): Channel {
  const target = `${redactUrl(spec.smtp)} → ${spec.to.join(", ")}`;
  return {
    key: channelKey(spec),
    type: "email",
    target,
    async send(delivery: OutgoingDelivery) {
      const transport = createTransport({
        url: spec.smtp,
        connectionTimeout: spec.timeoutMs,
        greetingTimeout: spec.timeoutMs,
        socketTimeout: spec.timeoutMs,
        dnsTimeout: spec.timeoutMs,
      });
      try {
        await transport.sendMail({
          from: spec.from,
          to: spec.to,
          subject: spec.subject ?? digestSubject(delivery.digest),
          text: renderText(delivery.digest),
          html: renderHtml(delivery.digest),
          messageId: messageIdFor(delivery.deliveryId),
          headers: { "X-Newswatch-Delivery": delivery.deliveryId },
          date: new Date(delivery.digest.generatedAt),
          // The connection timeouts bound each step; this bounds the whole exchange.
          signal: AbortSignal.timeout(spec.timeoutMs * 2),
        });
      } catch (err) {
        throw classifySmtpError(err, redactUrl(spec.smtp));
      } finally {
        transport.close();
      }
    },
  };
}

/** `<delivery-id@newswatch>`: delivery ids are letters, digits, '-', '_' and '.'. */
export function messageIdFor(deliveryId: string): string {
  return `<${deliveryId}@newswatch>`;
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  message?: string;
}

// Auth failures and 5xx replies are refusals (configuration or address problems): not retried.
// 4xx replies, timeouts and connection failures are transient.
function classifySmtpError(err: unknown, server: string): NewswatchError {
  const failure = (typeof err === "object" && err !== null ? err : {}) as SmtpFailure;
  const detail = (failure.message ?? String(err)).replace(/\s+/g, " ").slice(0, 200);
  if (failure.code === "EAUTH" || failure.code === "ENOAUTH") {
    return new NewswatchError("NW_SMTP_REJECTED", `SMTP ${server}: authentication failed (${detail})`, {
      cause: err,
    });
  }
  const reply = failure.responseCode;
  if (reply !== undefined && reply >= 500 && reply < 600) {
    return new NewswatchError("NW_SMTP_REJECTED", `SMTP ${server} refused the message: ${detail}`, {
      cause: err,
    });
  }
  if (failure.code === "ETLS" || failure.code === "EREQUIRETLS" || failure.code === "ECONFIG") {
    return new NewswatchError("NW_SMTP_REJECTED", `SMTP ${server}: ${detail}`, { cause: err });
  }
  return new NewswatchError("NW_DELIVERY_FAILED", `SMTP ${server}: ${detail}`, {
    retryable: true,
    cause: err,
  });
}
