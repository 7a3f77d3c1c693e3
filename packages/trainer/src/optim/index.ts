export * from "./optimizer.js";
export * from "./adam.js";
export * from "./adamw.js";
export * from "./adamax.js";
export * from "./sgd.js";
export * from "./create.js";
