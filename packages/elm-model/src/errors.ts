// Errors raised by @elm/model: each names the offending value and what was expected.

/** A model configuration that cannot be built (names the field, its value and the rule). */
export class ConfigError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
