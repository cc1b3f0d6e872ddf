// Every ganforge command: its flag spec and what it runs, paired so each run takes the flags its spec parses.
import { CliCommand, defineCommand } from '../args';
import { classifierSpec, runClassifier } from './classifier';
import { configSpec, runConfig } from './config';
import { dataSpec, runData } from './data';
import { editSpec, runEdit } from './edit';
import { evalSpec, runEval } from './eval';
import { exportSpec, runExport } from './export';
import { reportSpec, runReport } from './report';
import { runSample, sampleSpec } from './sample';
import { runStudio, studioSpec } from './studio';
import { runTrain, trainSpec } from './train';
import { runZoo, zooSpec } from './zoo';
import { runTranslate, translateSpec } from './translate';

export const COMMANDS: Record<string, CliCommand> = {
  train: defineCommand(trainSpec, runTrain),
  sample: defineCommand(sampleSpec, runSample),
  eval: defineCommand(evalSpec, runEval),
  report: defineCommand(reportSpec, runReport),
  export: defineCommand(exportSpec, runExport),
  translate: defineCommand(translateSpec, runTranslate),
  edit: defineCommand(editSpec, runEdit),
  data: defineCommand(dataSpec, runData),
  classifier: defineCommand(classifierSpec, runClassifier),
  config: defineCommand(configSpec, runConfig),
  zoo: defineCommand(zooSpec, runZoo),
  studio: defineCommand(studioSpec, runStudio),
};
