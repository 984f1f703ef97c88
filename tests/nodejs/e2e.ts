// Runs one operation of the README's TypeScript program (hybridlink.ts) on a
// stack through Node's Automation API, with the program inline, and prints
// the result as one line of JSON for tests/multilang_test.go. The Pulumi CLI
// is <HYBRIDLINK_PULUMI_ROOT>/bin/pulumi; the project and its stack files are
// in HYBRIDLINK_PROJECT_DIR; operations that change the stack run the policy
// pack HYBRIDLINK_POLICY_PACK. Secret outputs are printed as "[secret]".
import { LocalWorkspace, OutputMap, PulumiCommand } from "@pulumi/pulumi/automation";
import { program } from "./hybridlink";

function env(name: string): string {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set`);
    }
    return v;
}

function redact(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret ? "[secret]" : o.value]));
}

async function run(op: string, stackName: string): Promise<Record<string, unknown>> {
    const pulumiCommand = await PulumiCommand.get({ root: env("HYBRIDLINK_PULUMI_ROOT") });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "hybridlink", program },
        { workDir: env("HYBRIDLINK_PROJECT_DIR"), pulumiCommand },
    );
    const policyPacks = [env("HYBRIDLINK_POLICY_PACK")];
    const onOutput = (s: string) => process.stderr.write(s);
    switch (op) {
        case "preview": {
            const r = await stack.preview({ policyPacks, onOutput });
            return { changes: r.changeSummary };
        }
        case "up": {
            // Like `pulumi up`, preview first: stack policies run at the end
            // of an operation, so an update without the preview would create
            // everything before a mandatory stack policy failed it.
            await stack.preview({ policyPacks, onOutput });
            const r = await stack.up({ policyPacks, onOutput });
            return { changes: r.summary.resourceChanges, outputs: redact(r.outputs) };
        }
        case "destroy": {
            const r = await stack.destroy({ onOutput });
            return { changes: r.summary.resourceChanges };
        }
    }
    throw new Error(`unknown operation ${op}: use preview, up or destroy`);
}

const [op, stackName] = process.argv.slice(2);
run(op, stackName).then(
    (result) => console.log(JSON.stringify(result)),
    (err) => console.log(JSON.stringify({ error: String(err?.message ?? err) })),
);
