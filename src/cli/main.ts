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
import { portForwardCommand } from './commands/portforward.js';
import { rollingUpdateCommand } from './commands/rollingupdate.js';
import { imageCommand } from './commands/image.js';
import { explainSupportCommand } from './commands/explain-support.js';
import { pluginsCommand } from './commands/plugins.js';
import { execCommand } from './commands/exec.js';
import { attachCommand } from './commands/attach.js';
import { cpCommand } from './commands/cp.js';
import { proxyCommand } from './commands/proxy.js';
import { versionInfo } from '../apiserver/index.js';
import { globalFlagsAfterVerb, kubectlErrorWording, unknownCommandMessage } from './argv.js';

const program = new Command('skiff')
  .description('skiff: a Kubernetes-compatible orchestrator')
  .version(`skiff ${versionInfo().gitVersion}`, '--version')
  .addCommand(serverCommand())
  .addCommand(simCommand())
  .addCommand(upCommand())
  .addCommand(agentCommand())
  .addCommand(kubeconfigCommand())
  .addCommand(getCommand())
  .addCommand(describeCommand())
  .addCommand(logsCommand())
  .addCommand(portForwardCommand())
  .addCommand(rollingUpdateCommand())
  .addCommand(imageCommand())
  .addCommand(explainSupportCommand())
  .addCommand(pluginsCommand())
  .addCommand(execCommand())
  .addCommand(attachCommand())
  .addCommand(cpCommand())
  .addCommand(proxyCommand());

addClientVerbs(program);

// Output piped into a reader that stops early (`| head`): stop quietly, as kubectl does.
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/** Every command says errors as kubectl does (`unknown flag: --x`, then where the usage is). */
function kubectlErrors(cmd: Command, pathWords: string): void {
  cmd.configureOutput({ outputError: (text, write) => write(kubectlErrorWording(text, pathWords)) });
  for (const sub of cmd.commands) kubectlErrors(sub, `${pathWords} ${sub.name()}`);
}
kubectlErrors(program, 'skiff');

program.exitOverride();
const args = globalFlagsAfterVerb(process.argv.slice(2));
const verb = args[0];
if (verb !== undefined && !verb.startsWith('-') && verb !== 'help') {
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (!known.includes(verb)) {
    process.stderr.write(unknownCommandMessage(verb, program.commands.map((c) => c.name())));
    process.exit(1);
  }
}
try {
  await program.parseAsync(args, { from: 'user' });
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
