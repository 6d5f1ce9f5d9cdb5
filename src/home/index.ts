export { mountHome } from './home.routes';
