/**
 * Progress on stderr, so stdout stays the result: redrawn in place on a terminal, one line per
 * 10 % otherwise (logs, CI). At most a few redraws a second, so it never slows the work down.
 */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  const line = (done: number) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${rate.toLocaleString('en')}/s)`;
  };
  return {
    update(done: number): void {
      if (stream.isTTY) {
        if (Date.now() - lastDraw < 200 && done < total) return;
        lastDraw = Date.now();
        stream.write(`\r${line(done)}`);
      } else {
        const decile = Math.floor((total > 0 ? done / total : 1) * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${line(done)}\n`);
      }
    },
    finish(done: number = total): void {
      if (stream.isTTY) stream.write(`\r${line(done)}\n`);
      else if (lastDecile < 10) stream.write(`${line(done)}\n`);
    },
  };
}
