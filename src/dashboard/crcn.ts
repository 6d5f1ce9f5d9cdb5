/** The 16 competences of the CRCN (décret n° 2019-919), the default framework of the dashboards. */
export const CRCN: ReadonlyArray<{ code: string; domain: string; title: string }> = [
  { code: "1.1", domain: "1 Information et données", title: "Mener une recherche et une veille d'information" },
  { code: "1.2", domain: "1 Information et données", title: "Gérer des données" },
  { code: "1.3", domain: "1 Information et données", title: "Traiter des données" },
  { code: "2.1", domain: "2 Communication et collaboration", title: "Interagir" },
  { code: "2.2", domain: "2 Communication et collaboration", title: "Partager et publier" },
  { code: "2.3", domain: "2 Communication et collaboration", title: "Collaborer" },
  { code: "2.4", domain: "2 Communication et collaboration", title: "S'insérer dans le monde numérique" },
  { code: "3.1", domain: "3 Création de contenus", title: "Développer des documents textuels" },
  { code: "3.2", domain: "3 Création de contenus", title: "Développer des documents multimédia" },
  { code: "3.3", domain: "3 Création de contenus", title: "Adapter les documents à leur finalité" },
  { code: "3.4", domain: "3 Création de contenus", title: "Programmer" },
  { code: "4.1", domain: "4 Protection et sécurité", title: "Sécuriser l'environnement numérique" },
  { code: "4.2", domain: "4 Protection et sécurité", title: "Protéger les données personnelles et la vie privée" },
  { code: "4.3", domain: "4 Protection et sécurité", title: "Protéger la santé, le bien-être et l'environnement" },
  { code: "5.1", domain: "5 Environnement numérique", title: "Résoudre des problèmes techniques" },
  { code: "5.2", domain: "5 Environnement numérique", title: "Évoluer dans un environnement numérique" },
];
