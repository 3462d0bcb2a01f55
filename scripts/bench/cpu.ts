// CPU time of processes the bench did not write (nginx), read from /proc with nanosecond
// resolution: the sum over a process's threads of /proc/<pid>/task/<tid>/schedstat's first field
// (time spent on a CPU, ns). /proc/<pid>/stat's utime+stime (clock ticks, 10 ms) is the fallback.
// The facade's own figure comes from process.cpuUsage() over IPC; `procCpuUs` of its PID is
// recorded beside it as a cross-check that the two methods agree.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function schedstatUs(pid: number): number | null {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let ns = 0;
  for (const tid of tasks) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return ns / 1000;
}

function statUs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU time (µs) used so far by the given processes together. */
export function procCpuUs(pids: readonly number[]): number {
  let us = 0;
  for (const pid of pids) us += schedstatUs(pid) ?? statUs(pid) ?? 0;
  return us;
}

/** PIDs whose parent is `ppid` (nginx's workers). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}
