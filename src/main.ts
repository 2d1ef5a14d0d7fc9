// The action: reads the config, runs the pipeline, publishes. The one place that calls setFailed.
import * as core from '@actions/core';

export async function run(): Promise<void> {
  try {
    core.info('layerwise: pipeline not wired yet');
  } catch (err) {
    core.setFailed((err as Error).message);
  }
}
