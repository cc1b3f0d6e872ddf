// Every ganforge command: its flag spec and what it runs.
import type { CommandSpec } from '../args';
import { classifierSpec, runClassifier } from './classifier';
import { configSpec, runConfig } from './config';
import { dataSpec, runData } from './data';
import { evalSpec, runEval } from './eval';
import { reportSpec, runReport } from './report';
import { runSample, sampleSpec } from './sample';
import { runTrain, trainSpec } from './train';

export type CommandRun = (flags: Record<string, unknown>, positionals: string[]) => Promise<number | void>;

export const COMMANDS: Record<string, { spec: CommandSpec; run: CommandRun }> = {
  train: { spec: trainSpec, run: runTrain },
  sample: { spec: sampleSpec, run: runSample },
  eval: { spec: evalSpec, run: runEval },
  report: { spec: reportSpec, run: runReport },
  data: { spec: dataSpec, run: runData },
  classifier: { spec: classifierSpec, run: runClassifier },
  config: { spec: configSpec, run: runConfig },
};
