import { computeBatch, transferredOf } from "./sequence-batch.js";
import { serveJobs } from "./serve-jobs.js";

// Entry point of a compute thread: loaded by the pool from the built dist/ file.
serveJobs(computeBatch, transferredOf);
