// Finding and running ffmpeg / ffprobe: FFMPEG_PATH / FFPROBE_PATH, else the system's on PATH, else the
// binaries shipped in @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe, so `npm install` suffices.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Tool {
  path: string;
  source: 'config' | 'system' | 'package';
}

export interface Tools {
  ffmpeg: Tool | null;
  ffprobe: Tool | null;
  /** First line of `ffmpeg -version`, or why no ffmpeg could be used. */
  version: string;
}

const require = createRequire(import.meta.url);

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return null;
}

function packaged(pkg: string): string | null {
  try {
    const found = (require(pkg) as { path?: string }).path;
    return found && executable(found) ? found : null;
  } catch {
    return null;
  }
}

function pick(override: string | undefined, name: string, pkg: string): Tool | null {
  // An explicit path is used as given: a wrong one must fail loudly, not fall back silently.
  if (override) return executable(override) ? { path: override, source: 'config' } : null;
  const system = onPath(name);
  if (system) return { path: system, source: 'system' };
  const shipped = packaged(pkg);
  return shipped ? { path: shipped, source: 'package' } : null;
}

export async function discoverTools(options: { ffmpegPath?: string; ffprobePath?: string }): Promise<Tools> {
  const ffmpeg = pick(options.ffmpegPath, 'ffmpeg', '@ffmpeg-installer/ffmpeg');
  const ffprobe = pick(options.ffprobePath, 'ffprobe', '@ffprobe-installer/ffprobe');
  if (!ffmpeg) return { ffmpeg, ffprobe, version: `ffmpeg not found (${options.ffmpegPath ?? 'PATH and package'})` };
  const version = await new Promise<string>((resolve) => {
    execFile(ffmpeg.path, ['-hide_banner', '-version'], { timeout: 10_000 }, (err, stdout) =>
      resolve(err ? `unusable: ${err.message}` : (stdout.split('\n')[0] ?? 'unknown')),
    );
  });
  return { ffmpeg, ffprobe, version };
}

export class ToolError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr = '') {
    super(message);
    this.name = 'ToolError';
    this.stderr = stderr;
  }
}

export interface RunOptions {
  /** Called with each `key=value` block of `-progress pipe:1` output. */
  onProgress?: (fields: Record<string, string>) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs a tool; resolves with stdout, rejects with the last lines of stderr (ffmpeg's readable reason). */
export function run(tool: Tool | null, args: string[], options: RunOptions = {}): Promise<string> {
  if (!tool) return Promise.reject(new ToolError('ffmpeg is not installed or FFMPEG_PATH/FFPROBE_PATH is wrong'));
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    let stdout = '';
    let stderr = '';
    let block: Record<string, string> = {};
    let pending = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!options.onProgress) {
        stdout += chunk;
        return;
      }
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const at = line.indexOf('=');
        if (at < 0) continue;
        const key = line.slice(0, at).trim();
        block[key] = line.slice(at + 1).trim();
        if (key === 'progress') {
          options.onProgress(block);
          block = {};
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the tail matters for the reason; keep memory bounded on long encodes.
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new ToolError(`${path.basename(tool.path)} could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stdout);
      // Local paths and addresses are noise to the admin reading the reason: keep file names only.
      const tail = stderr
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | ')
        .replace(/\/[^\s:|]*\//g, '')
        .replace(/ @ 0x[0-9a-f]+/g, '');
      reject(new ToolError(`${path.basename(tool.path)} failed (${signal ?? `exit ${code}`}): ${tail}`, stderr));
    });
  });
}
