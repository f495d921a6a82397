// The scheduler for the controller manager.

import type { Controller } from "../controller-context.js";
import { scheduler } from "./scheduler.js";

export { createScheduler, scheduler } from "./scheduler.js";
export type { SchedulerOptions } from "./scheduler.js";

/** The controllers of this directory, for the controller manager to register. */
export const schedulerControllers: Controller[] = [scheduler];
