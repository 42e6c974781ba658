import { createStagecoach } from "./app.js";
import { settingsFromEnv } from "./settings.js";

/**
 * Probot's entry point (`probot run ./lib/index.js`): the app function, configured from the environment.
 * Probot loads the default export, hence the one default export in this code base.
 */
const stagecoach = createStagecoach(settingsFromEnv(process.env));

// eslint-disable-next-line no-restricted-syntax
export default stagecoach;
