// The studio page: a hash router over five views. Each view that streams returns its EventSource, closed
// when the view changes.
import 'uplot/dist/uPlot.min.css';
import './studio.css';
import { compareView } from './compare';
import { h, show } from './dom';
import { newRunView } from './new-run';
import { playView } from './playground';
import { runView } from './run-page';
import { runsView } from './runs-list';

let stream: EventSource | null = null;

function route(): void {
  stream?.close();
  stream = null;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const fail = (err: unknown) => show(h('p', { class: 'message' }, (err as Error).message));
  if (parts[0] === 'run' && parts[1]) stream = runView(parts[1]);
  else if (parts[0] === 'new') newRunView();
  else if (parts[0] === 'play') playView(parts[1]).catch(fail);
  else if (parts[0] === 'compare') compareView(parts[1], parts[2]).catch(fail);
  else stream = runsView();
}

window.addEventListener('hashchange', route);
route();
