// Registers every reference kernel (device `ref`, float32 and float64; int32 where meaningful).
import "./elementwise.js";
import "./matmul.js";
import "./reduce.js";
import "./layout.js";
import "./softmax.js";
import "./indexing.js";
