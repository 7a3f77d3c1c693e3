/** A data file that cannot be used: names the file and what was wrong with it. */
export class DatasetFileError extends Error {
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = "DatasetFileError";
    this.file = file;
    this.reason = reason;
  }
}
