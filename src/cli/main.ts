#!/usr/bin/env node
/** The skiff command line: one binary for the server, the nodes and the client. */
import { Command, CommanderError } from 'commander';
import { serverCommand } from './commands/server.js';
import { simCommand } from './commands/sim.js';
import { upCommand } from './commands/up.js';
import { agentCommand } from './commands/agent.js';
import { kubeconfigCommand } from './commands/kubeconfig.js';
import { addClientVerbs } from './commands/verbs.js';
import { getCommand } from './commands/get.js';
import { describeCommand } from './commands/describe.js';
import { logsCommand } from './commands/logs.js';
import { rollingUpdateCommand } from './commands/rollingupdate.js';
import { imageCommand } from './commands/image.js';
import { explainSupportCommand } from './commands/explain-support.js';
import { versionInfo } from '../apiserver/index.js';

const program = new Command('skiff')
  .description('skiff: a Kubernetes-compatible orchestrator')
  .version(`skiff ${versionInfo().gitVersion}`, '--version')
  .showHelpAfterError()
  .addCommand(serverCommand())
  .addCommand(simCommand())
  .addCommand(upCommand())
  .addCommand(agentCommand())
  .addCommand(kubeconfigCommand())
  .addCommand(getCommand())
  .addCommand(describeCommand())
  .addCommand(logsCommand())
  .addCommand(rollingUpdateCommand())
  .addCommand(imageCommand())
  .addCommand(explainSupportCommand());

addClientVerbs(program);

// Output piped into a reader that stops early (`| head`): stop quietly, as kubectl does.
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
