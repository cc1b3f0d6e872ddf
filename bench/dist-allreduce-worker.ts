// One rank of bench/distributed.ts's all-reduce measurement: joins the group, averages float32 buffers of each
// size (as the gradient all-reduce does, 25 MB buckets) `reps` times and prints the median ms per size as JSON.
import { zeros } from '../src/torch';
import { allReduceMean, barrier, destroyProcessGroup, initProcessGroup } from '../src/torch/dist';

const [host, port, rank, worldSize, reps] = [process.argv[2], ...process.argv.slice(3, 7).map(Number)];
const sizes = process.argv[7].split(',').map(Number); // float32 elements
initProcessGroup(host, port, rank, worldSize, 60_000);
const result: Record<string, number> = {};
for (const n of sizes) {
  const buffer = zeros([n]).fill_(rank + 1);
  allReduceMean([buffer]); // warm: connections and allocation
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    barrier(); // start together, so a rank's lateness is not counted as transfer
    const started = performance.now();
    allReduceMean([buffer]);
    times.push(performance.now() - started);
  }
  buffer.dispose();
  times.sort((a, b) => a - b);
  result[n] = times[Math.floor(times.length / 2)];
}
if (rank === 0) console.log(JSON.stringify(result));
destroyProcessGroup();
