// Encoding speed of the media pipeline: a 1080p source (testsrc2 + a tone, 30 fps) into the full ladder
// (240p–1080p, H.264 + AAC, AES-128 HLS), as a multiple of real time on this machine. Figures, not a test.
// Usage: node bench/media-encode.ts [seconds=60] [preset=veryfast]   (target ≥ 1× real time on 2 cores)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeLadder } from '../services/media/encode.ts';
import { probeSource } from '../services/media/probe.ts';
import { discoverTools } from '../services/media/ffmpeg.ts';

const SECONDS = Number(process.argv[2] ?? 60);
const PRESET = process.argv[3] ?? 'veryfast';
const exec = promisify(execFile);

/**
 * CPU seconds used by finished child processes (cutime + cstime of /proc/self/stat, in 1/100 s on Linux): on a
 * machine shared with other work the wall-clock figure depends on the load, the CPU one does not.
 */
async function childCpuSeconds(): Promise<number | null> {
  const stat = await readFile('/proc/self/stat', 'utf8').catch(() => null);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
const tools = await discoverTools({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
if (!tools.ffmpeg || !tools.ffprobe) throw new Error(tools.version);
const dir = await mkdtemp(path.join(os.tmpdir(), 'cinemate-bench-encode-'));
try {
  const source = path.join(dir, 'source.mp4');
  const made = Date.now();
  // The source itself is made quickly and nearly losslessly; its cost is not part of the figure.
  await exec(tools.ffmpeg.path, [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${SECONDS}`, '-c:v', 'libx264', '-preset', 'ultrafast'],
    ...['-crf', '16', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source],
  ]);
  console.log(`source: 1920x1080 30 fps, ${SECONDS} s, made in ${((Date.now() - made) / 1000).toFixed(1)} s`);
  const info = await probeSource(tools, source);
  const out = path.join(dir, 'out');
  await mkdir(out);
  const started = Date.now();
  const cpuBefore = await childCpuSeconds();
  const result = await encodeLadder(tools, {
    source,
    info,
    audioFiles: [],
    subtitleFiles: [],
    outDir: out,
    workDir: dir,
    key: randomBytes(16),
    iv: randomBytes(16),
    ladder: [240, 360, 480, 720, 1080],
    preset: PRESET,
    onProgress: () => {},
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`${tools.version} (${tools.ffmpeg.source}), x264 preset ${PRESET}, ${os.cpus().length} cores`);
  for (const r of result.renditions)
    console.log(`  ${r.name.padEnd(6)} ${r.width}x${r.height} ${(r.average_bandwidth / 1e6).toFixed(2)} Mb/s avg`);
  const [load] = os.loadavg();
  console.log(
    `ladder encoded in ${seconds.toFixed(1)} s: ${(info.duration / seconds).toFixed(2)}× real time ` +
      `(load average ${load?.toFixed(1)} during the run)`,
  );
  const cpuAfter = await childCpuSeconds();
  if (cpuBefore !== null && cpuAfter !== null) {
    const cpu = cpuAfter - cpuBefore;
    const cores = os.cpus().length;
    // What the same work takes on idle cores, assuming x264's threads keep them all busy.
    console.log(
      `ffmpeg used ${cpu.toFixed(1)} CPU s: ${(info.duration / (cpu / cores)).toFixed(2)}× real time on ${cores} idle cores`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
