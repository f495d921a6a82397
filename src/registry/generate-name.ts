// generateName suffixes: five characters from Kubernetes' alphabet without vowels or lookalikes.

import { randomInt } from "node:crypto";

const alphabet = "bcdfghjklmnpqrstvwxz2456789";
const maxGeneratedNameLength = 63 - 5;

export function generateName(base: string): string {
  const prefix = base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base;
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += alphabet[randomInt(alphabet.length)];
  return prefix + suffix;
}
