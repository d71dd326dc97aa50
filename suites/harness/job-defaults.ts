import type { RequestOptions } from './http.ts';
import type { Target } from './target.ts';

/** Adds the site's job settings (from its site profile) to a job the suites submit. */
export async function withJobDefaults(
  target: Target,
  generation: 'v1' | 'v2',
  method: string,
  path: string,
  options: RequestOptions,
): Promise<RequestOptions> {
  const defaults = target.run.jobDefaults;
  if (!defaults || method !== 'POST') return options;
  if (generation === 'v2' && /^\/compute\/[^/]+\/jobs$/.test(path)) {
    const body = options.json as { job?: Record<string, unknown> } | undefined;
    if (!body?.job || typeof body.job !== 'object') return options;
    const job = { ...body.job };
    for (const key of ['account', 'partition', 'reservation'] as const) job[key] ??= defaults[key];
    const script = typeof job.script === 'string' ? job.script : undefined;
    if (defaults.timeLimit && script !== undefined && !/--time[= ]/.test(script)) {
      job.script = script.replace(/^(#!.*\n)?/, `$1#SBATCH --time=${defaults.timeLimit}\n`);
    }
    return { ...options, json: { ...body, job } };
  }
  if (generation === 'v1' && path === '/compute/jobs/upload' && options.form) {
    const file = options.form.get('file');
    if (!(file instanceof Blob)) return options;
    const lines = Object.entries({
      account: defaults.account,
      partition: defaults.partition,
      reservation: defaults.reservation,
      time: defaults.timeLimit,
    })
      .filter(([, v]) => v)
      .map(([k, v]) => `#SBATCH --${k}=${v}\n`)
      .join('');
    const script = (await file.text()).replace(/^(#!.*\n)?/, `$1${lines}`);
    const form = new FormData();
    for (const [k, v] of options.form.entries()) if (k !== 'file') form.append(k, v);
    form.append('file', new Blob([script]), file instanceof File ? file.name : 'script.sh');
    return { ...options, form };
  }
  return options;
}
