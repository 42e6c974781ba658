import type { RegistrySource } from "../event.js";
import type { RegistryIntake } from "../registry-intake.js";
import { acr } from "./acr.js";
import { dockerHub } from "./dockerhub.js";
import { ecr } from "./ecr.js";
import { gar } from "./gar.js";
import { generic } from "./generic.js";
import { harbor } from "./harbor.js";
import { quay } from "./quay.js";

/** Every source served on `POST /stagecoach/registry/<source>`. */
export const registryIntakes: Readonly<Record<RegistrySource, RegistryIntake>> = {
  dockerhub: dockerHub,
  harbor,
  quay,
  acr,
  ecr,
  gar,
  generic,
};
