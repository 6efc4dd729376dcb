/**
 * A one-line progress bar on stderr for long command-line work. On a terminal it redraws in place;
 * elsewhere (CI logs) it prints a line every 10%.
 */
export class ProgressBar {
  private lastDecile = -1;
  private readonly started = Date.now();
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, unit = ''): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const seconds = (Date.now() - this.started) / 1000;
    const text = `${this.label} ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total}${unit} ${seconds.toFixed(1)}s`;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${text}\n`);
      }
    }
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
