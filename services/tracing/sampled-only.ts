// Redis commands traced only under a sampled span. The ioredis instrumentation serializes each command's
// arguments, builds its attributes and wraps its callbacks before the sampler is asked, so with a 10%
// sampler nine requests in ten would pay for spans that are dropped. Sampling decides on the request span,
// and a command under an unsampled one now goes straight to the client.
import { context, TraceFlags, trace } from '@opentelemetry/api';
import type { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';

type Command = (this: unknown, ...args: unknown[]) => unknown;
interface Internals {
  _traceSendCommand?: (original: Command, moduleVersion?: string) => Command;
}

function underSampledSpan(): boolean {
  const span = trace.getSpan(context.active());
  return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
}

/**
 * Wraps the instrumentation's command patch (an internal method, read when ioredis loads, so this must run
 * before then). Should a later version rename it, nothing is wrapped and every command is traced as before.
 */
export function sampledOnly(instrumentation: IORedisInstrumentation): IORedisInstrumentation {
  const internals = instrumentation as unknown as Internals;
  const traceCommand = internals._traceSendCommand?.bind(instrumentation);
  if (!traceCommand) return instrumentation;
  internals._traceSendCommand = (original, moduleVersion) => {
    const traced = traceCommand(original, moduleVersion);
    return function (this: unknown, ...args: unknown[]) {
      return underSampledSpan() ? traced.apply(this, args) : original.apply(this, args);
    };
  };
  return instrumentation;
}
