import * as z from "zod";
import { duration, fixParams } from "./field-schemas.js";

/** How long a wait lives when its creator names no lifetime, and the longest it may ask for. */
export const WaitsSchema = z
  .strictObject({
    defaultTtl: duration("24h", "the default wait lifetime"),
    maxTtl: duration("7d", "the longest wait lifetime"),
  })
  .superRefine((waits, ctx) => {
    if (
      typeof waits.defaultTtl === "number" &&
      typeof waits.maxTtl === "number" &&
      waits.defaultTtl > waits.maxTtl
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultTtl"],
        message: "longer than waits.maxTtl",
        params: fixParams("shorten waits.defaultTtl or lengthen waits.maxTtl"),
      });
    }
  });
