// The machine a benchmark ran on, recorded beside its results so figures are read with their context.
import { cpus, totalmem } from 'node:os';

export function machineInfo(extra = {}) {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ...extra,
  };
}
