import { resolve } from 'node:path';
import { DEMO_AUTH_TOKEN, startDemo } from './demo.js';

// `npm run demo`: no configuration needed. Every setting below is optional.
const env = process.env;
const port = Number(env.PORT ?? 3000);
const twilio =
  env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
    ? { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM }
    : undefined;

const demo = await startDemo({
  port,
  dataDir: resolve(env.SMS_CONSENT_DATA_DIR ?? '.sms-consent/demo'),
  authToken: env.TWILIO_AUTH_TOKEN ?? DEMO_AUTH_TOKEN,
  ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  ...(env.HOST ? { host: env.HOST } : {}),
  ...(twilio ? { twilio } : {}),
});

console.log(`sms-consent demo inbox: ${demo.url}`);
console.log(`  webhooks:   ${demo.publicUrl}/twilio/inbound and ${demo.publicUrl}/twilio/status`);
console.log(
  `  simulated:  ${['telnyx', 'plivo', 'vonage', 'bandwidth'].map((provider) => `${demo.publicUrl}/${provider}/webhook`).join(', ')} (demo keys made at start-up)`,
);
console.log(
  `  auth token: ${demo.authToken === DEMO_AUTH_TOKEN ? `${demo.authToken} (demo token; set TWILIO_AUTH_TOKEN for a real account)` : '(from TWILIO_AUTH_TOKEN)'}`,
);
console.log(`  consent:    ${demo.storeDescription}`);
console.log(
  `  sending:    ${demo.mode === 'twilio' ? `Twilio, from ${twilio?.from}` : 'local stand-in (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to send for real)'}`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void demo.close().then(() => process.exit(0));
  });
}
