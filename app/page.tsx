import { NotebookApp } from './notebook/NotebookApp';

export default function Page() {
  return <NotebookApp />;
}
