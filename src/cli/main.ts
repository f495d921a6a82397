// The `svcnet` command line: one subcommand per component. Errors a user can cause print one
// line saying what to do, as kubectl's do.

import { runAgent } from "./agent-command.js";
import { runDns } from "./dns-command.js";
import { runServer } from "./server-command.js";
import { runDown } from "./down-command.js";
import { runUp } from "./up-command.js";
import { runProxy } from "./proxy-command.js";
import { runRules } from "./rules-command.js";
import { runTrace } from "./trace-command.js";
import { runToken } from "./token-command.js";
import { runSandbox } from "./sandbox-command.js";

const usage = `svcnet — the Kubernetes Service system

Usage:
  svcnet up [flags]       start a cluster on this machine and keep it running: the control plane
                          and --nodes N (default 2) nodes in network namespaces (as root; else
                          simulated, or choose with --simulated=true|false)
  svcnet down [--id ID]   remove the namespaces a crashed svcnet up left (default: all svcnet-*)
  svcnet sandbox stop|start NAME   stop and start etcd members, API servers or nodes of a
                          running svcnet up, to rehearse faults ('svcnet sandbox parts' lists them)
  svcnet server [flags]   run the control plane (API server and controllers)
  svcnet agent [flags]    run a node agent: pods on a sandbox node, on this machine (joining with
                          --server URL --token T), or simulated nodes
  svcnet token create|list|delete   join tokens for agents on other machines
  svcnet proxy [flags]    run the service proxy (kube-proxy's role, iptables mode)
  svcnet dns [flags]      run the cluster DNS (CoreDNS' role)
  svcnet rules -f FILE    print the iptables rules the proxy would write for the objects in FILE
  svcnet trace [flags]    walk a packet through those rules (or a sandbox node's live rules)
  svcnet version          print the version

Run 'svcnet <command> --help' for a command's flags.`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "server":
      return runServer(rest);
    case "agent":
      return runAgent(rest);
    case "proxy":
      return runProxy(rest);
    case "dns":
      return runDns(rest);
    case "rules":
      return runRules(rest);
    case "trace":
      return runTrace(rest);
    case "token":
      return runToken(rest);
    case "down":
      return runDown(rest);
    case "up":
      return runUp(rest);
    case "sandbox":
      return runSandbox(rest);
    case "version":
    case "--version":
      console.log("svcnet v0.1.0 (Kubernetes API v1.32)");
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage);
      return 0;
    default:
      console.error(`error: unknown command "${cmd}" for "svcnet"\nRun 'svcnet --help' for usage.`);
      return 1;
  }
}
