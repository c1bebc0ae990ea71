import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Who listens on a TCP port, read from /proc (no `ss` or `lsof` needed): the socket's inode in
 * /proc/net/tcp{,6}, then the process holding that inode.
 */
export function pidsListeningOn(port: number): number[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is fields[1] (ADDR:PORT), st fields[3] ('0A' = LISTEN), inode fields[9].
      if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return [];
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) pids.add(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
  }
  return [...pids];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface NpmStart {
  /** The `npm` process itself (the leader of its own process group). */
  npm: ChildProcess;
  output(): string;
  port: number;
}

/**
 * `npm start` exactly as a developer or a process manager runs it: the real `npm` command, in a
 * process group of its own (so a test can kill the whole tree, as a crash would), on free ports.
 */
export async function startNpm(port: number, dataDir: string, env: Record<string, string> = {}): Promise<NpmStart> {
  const began = Date.now();
  const npm = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN', HUB_ADMIN_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() - began > 60_000) {
      killGroup(npm, 'SIGKILL');
      throw new Error(`no /health within 60 s:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200 && output.includes('Ctrl+C stops everything.')) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { npm, output: () => output, port };
}

/** Signals every process of the group `npm start` leads (npm, its shell, the runtime, the JVM). */
export function killGroup(npm: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (npm.pid !== undefined) process.kill(-npm.pid, signal);
  } catch {
    // already gone
  }
}

/** True once nothing listens on the runtime's three ports any more. */
export function portsReleased(port: number): boolean {
  return [port, port + 1, port + 2].every((candidate) => pidsListeningOn(candidate).length === 0);
}
